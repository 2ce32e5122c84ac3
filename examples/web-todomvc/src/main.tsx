import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { adapter } from './adapter.js'
import { Root } from './Root.js'
import './todomvc.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root adapter={adapter} />
  </StrictMode>,
)
