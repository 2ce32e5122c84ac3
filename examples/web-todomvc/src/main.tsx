import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { adapter } from './adapter.js'
import { Root } from './Root.js'
import './todomvc.css'

// `?store=<name>` opens another list (another store, synced on its own); default: `web-todomvc`.
const storeId = new URLSearchParams(location.search).get('store') ?? 'web-todomvc'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root adapter={adapter} storeId={storeId} />
  </StrictMode>,
)
