// Entry of the React benchmark app (LiveStore 0.4.0 side): ?impl=livestore (in-memory adapter).
import { createRoot } from 'react-dom/client'
import { makeInMemoryAdapter } from '@livestore/adapter-web'
import { installBench } from '../../../lib/react-ui/shared.js'
import { mount } from './store-app.js'

const root = createRoot(document.getElementById('root'))
installBench(mount(root, { adapter: makeInMemoryAdapter(), storeId: 'react-bench', title: 'LiveStore 0.4.0 (in memory)' }))
