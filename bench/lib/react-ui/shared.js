// The UI of the React benchmark (suite `react`), shared by every implementation: a table of rows
// { id, label } with the seven actions of the scenarios, and the in-page measuring harness.
// Written for this benchmark from its scenario list; each implementation (Cairn, plain React,
// LiveStore) only supplies where the rows and the selection live and how the actions change them.
// Plain createElement (no JSX) so that every app builds with Vite's defaults.
import { createElement as h, memo, useCallback } from 'react'

const ADJECTIVES = ['quiet', 'bright', 'narrow', 'ancient', 'brisk', 'hollow', 'gentle', 'crooked', 'polished', 'rusty', 'silent', 'tidy', 'wild']
const COLOURS = ['amber', 'slate', 'teal', 'ochre', 'crimson', 'ivory', 'olive', 'cobalt', 'umber', 'violet', 'jade']
const NOUNS = ['cairn', 'ridge', 'lantern', 'harbour', 'meadow', 'anchor', 'kettle', 'compass', 'orchard', 'bridge', 'quarry', 'beacon', 'ledger']

// A small deterministic generator (mulberry32) so every implementation gets the same labels.
let seed = 0x2f6b1d
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (list) => list[Math.floor(random() * list.length)]

let nextId = 1
/** `count` new rows { id, label } with ids following the previous ones. */
export const buildRows = (count) => {
  const rows = new Array(count)
  for (let i = 0; i < count; i++) rows[i] = { id: nextId++, label: `${pick(ADJECTIVES)} ${pick(COLOURS)} ${pick(NOUNS)}` }
  return rows
}
export const UPDATE_SUFFIX = ' !!!'

const Row = memo(function Row({ id, label, selected, onSelect, onRemove }) {
  return h(
    'tr',
    { className: selected ? 'danger' : undefined, 'data-id': id },
    h('td', { className: 'col-id' }, id),
    h('td', { className: 'col-label' }, h('a', { className: 'lbl', onClick: () => onSelect(id) }, label)),
    h('td', { className: 'col-remove' }, h('a', { className: 'remove', onClick: () => onRemove(id) }, '×')),
  )
})

const Button = ({ id, title, onClick }) => h('button', { id, type: 'button', onClick }, title)

/**
 * The page: buttons for the table-wide actions, then the table. `rows` is an array of { id, label },
 * `selected` the selected row id (or null); `actions` = { run, runLots, add, update, clear, select(id), remove(id) }.
 * Row components are memoized on primitive props, so a row re-renders only when its own id, label
 * or selection changed, whatever the identity of the row objects an implementation hands out.
 */
export const Main = ({ title, rows, selected, actions }) => {
  const onSelect = useCallback((id) => actions.select(id), [actions])
  const onRemove = useCallback((id) => actions.remove(id), [actions])
  return h(
    'div',
    { id: 'main' },
    h('h1', null, title),
    h(
      'div',
      { className: 'buttons' },
      h(Button, { id: 'run', title: 'Create 1,000 rows', onClick: actions.run }),
      h(Button, { id: 'runlots', title: 'Create 10,000 rows', onClick: actions.runLots }),
      h(Button, { id: 'add', title: 'Append 1,000 rows', onClick: actions.add }),
      h(Button, { id: 'update', title: 'Update every 10th row', onClick: actions.update }),
      h(Button, { id: 'clear', title: 'Clear', onClick: actions.clear }),
    ),
    h(
      'table',
      null,
      h(
        'tbody',
        { id: 'tbody' },
        rows.map((row) => h(Row, { key: row.id, id: row.id, label: row.label, selected: row.id === selected, onSelect, onRemove })),
      ),
    ),
  )
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))

/**
 * The measuring harness, `window.bench`: `click(selector)` clicks an element (a button, or a row's
 * link: `#tbody tr:nth-child(5) a.lbl`) and resolves with the time from just before the click to
 * the last DOM mutation it caused (MutationObserver on #main), once a frame passed without any
 * further mutation. Also the synchronous part (the click handler returning) and the mutation count.
 */
export const installBench = (ready) => {
  window.bench = {
    ready,
    rowCount: () => document.querySelectorAll('#tbody > tr').length,
    rowLabel: (index) => document.querySelector(`#tbody > tr:nth-child(${index + 1}) a.lbl`)?.textContent ?? null,
    selectedIds: () => [...document.querySelectorAll('#tbody > tr.danger')].map((tr) => Number(tr.dataset.id)),
    async click(selector, timeoutMs = 60_000) {
      const element = document.querySelector(selector)
      if (element === null) throw new Error(`no element ${selector}`)
      let last = 0
      let mutations = 0
      const observer = new MutationObserver((records) => {
        last = performance.now()
        mutations += records.length
      })
      observer.observe(document.getElementById('main'), { subtree: true, childList: true, characterData: true, attributes: true })
      const t0 = performance.now()
      element.click()
      const syncMs = performance.now() - t0
      try {
        for (;;) {
          const seen = mutations
          await nextFrame()
          if (mutations > 0 && mutations === seen) break
          if (performance.now() - t0 > timeoutMs) throw new Error(`${selector}: no DOM change settled within ${timeoutMs} ms`)
        }
      } finally {
        observer.disconnect()
      }
      return { ms: last - t0, syncMs, mutations }
    },
  }
}
