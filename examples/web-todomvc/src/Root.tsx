import { LiveStoreProvider } from '@cairn/react'
import type { Adapter, Store } from '@cairn/store'
import { unstable_batchedUpdates as batchUpdates } from 'react-dom'
import { Footer } from './components/Footer.js'
import { Header } from './components/Header.js'
import { MainSection } from './components/MainSection.js'
import { SyncStatus } from './components/SyncStatus.js'
import { schema } from './livestore/schema.js'

export interface RootProps {
  /** Where the data lives: `adapter` from adapter.ts in the browser. */
  readonly adapter: Adapter
  readonly storeId?: string
  /** Runs with the store before the app renders. */
  readonly boot?: (store: Store<typeof schema>) => void
}

/** The TodoMVC app on a store booted with `adapter`. */
export const Root = ({ adapter, storeId = 'web-todomvc', boot }: RootProps) => (
  <LiveStoreProvider
    schema={schema}
    adapter={adapter}
    storeId={storeId}
    boot={boot}
    batchUpdates={batchUpdates}
    renderLoading={(status) => (
      <div className="loading">
        Loading ({status.stage}
        {'progress' in status && status.progress.total > 0 ? ` ${status.progress.done}/${status.progress.total}` : ''})…
      </div>
    )}
    renderError={(error) => <div className="loading">Could not start: {error instanceof Error ? error.message : String(error)}</div>}
  >
    <section className="todoapp">
      <Header />
      <MainSection />
      <Footer />
    </section>
    <footer className="info">
      <SyncStatus />
      <p>Double-click to edit a todo</p>
      <p>
        Part of <a href="https://todomvc.com">TodoMVC</a>
      </p>
    </footer>
  </LiveStoreProvider>
)
