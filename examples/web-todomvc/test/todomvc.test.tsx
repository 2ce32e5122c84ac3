// @vitest-environment jsdom
// The TodoMVC flows on the real app components and a real store (the Node adapter, in memory: the
// app's own adapter, @cairn/adapter-web, needs a browser).
import { makeAdapter } from '@cairn/adapter-node'
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '@cairn/store'
import { tables } from '../src/livestore/schema.js'
import { Root } from '../src/Root.js'

// Unmounting the app shuts its store down (LiveStoreProvider owns it).
afterEach(() => cleanup())

/**
 * The store boots asynchronously, so React renders the app outside of act() and runs its effects
 * (the query subscriptions) in a later task: wait for that before interacting.
 */
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))

/** Renders the app on a new in-memory store and waits for it to boot. */
const renderApp = async () => {
  const view = render(<Root adapter={makeAdapter({ storage: { type: 'in-memory' } })} />)
  await screen.findByPlaceholderText('What needs to be done?')
  await settle()
  return view
}

const newTodo = () => screen.getByPlaceholderText('What needs to be done?') as HTMLInputElement
const addTodo = (text: string) => {
  fireEvent.change(newTodo(), { target: { value: text } })
  fireEvent.keyDown(newTodo(), { key: 'Enter' })
}
const items = () => screen.queryAllByTestId('todo-item')
const texts = () => items().map((item) => item.querySelector('label')!.textContent)
const itemFor = (text: string) => items().find((item) => item.querySelector('label')!.textContent === text)!
const count = () => document.querySelector('.todo-count')?.textContent
const filterLink = (name: string) => screen.getByRole('link', { name })

describe('web TodoMVC', () => {
  it('add: Enter creates a todo from the trimmed text and clears the input; empty text adds nothing', async () => {
    await renderApp()
    expect(document.querySelector('.main')).toBeNull()
    expect(document.querySelector('.footer')).toBeNull()
    addTodo('  Buy milk  ')
    expect(newTodo().value).toBe('')
    addTodo('Walk the dog')
    addTodo('   ')
    expect(texts()).toEqual(['Buy milk', 'Walk the dog'])
    expect(count()).toBe('2 items left')
  })

  it('the draft text and the filter live in the session\'s uiState client document', async () => {
    let booted: Store<any> | undefined
    const adapter = makeAdapter({ storage: { type: 'in-memory' } })
    render(<Root adapter={adapter} boot={(store) => void (booted = store)} />)
    await screen.findByPlaceholderText('What needs to be done?')
    await settle()
    fireEvent.change(newTodo(), { target: { value: 'half typed' } })
    expect(newTodo().value).toBe('half typed')
    addTodo('one')
    fireEvent.click(filterLink('Completed'))
    expect(booted!.query(tables.uiState.get())).toEqual({ newTodoText: '', filter: 'completed' })
    // Written by another part of the app (or restored on reload): the input shows it.
    act(() => booted!.commit(tables.uiState.set({ newTodoText: 'restored' })))
    expect(newTodo().value).toBe('restored')
  })

  it('toggle, counts, toggle all, clear completed', async () => {
    await renderApp()
    addTodo('one')
    addTodo('two')
    addTodo('three')
    fireEvent.click(within(itemFor('two')).getByRole('checkbox'))
    expect(itemFor('two').className).toBe('completed')
    expect(count()).toBe('2 items left')

    fireEvent.click(screen.getByLabelText('Mark all as complete'))
    expect(items().every((item) => item.className === 'completed')).toBe(true)
    expect(count()).toBe('0 items left')
    expect((screen.getByLabelText('Mark all as complete') as HTMLInputElement).checked).toBe(true)
    fireEvent.click(screen.getByLabelText('Mark all as complete'))
    expect(items().some((item) => item.className === 'completed')).toBe(false)
    expect(count()).toBe('3 items left')

    fireEvent.click(within(itemFor('one')).getByRole('checkbox'))
    fireEvent.click(within(itemFor('three')).getByRole('checkbox'))
    expect(count()).toBe('1 item left')
    fireEvent.click(screen.getByRole('button', { name: 'Clear completed' }))
    expect(texts()).toEqual(['two'])
    expect(screen.queryByRole('button', { name: 'Clear completed' })).toBeNull()
  })

  it('edit: double-click, Enter saves the trimmed text, Escape cancels, empty text deletes', async () => {
    await renderApp()
    addTodo('tpyo')
    addTodo('keep me')
    fireEvent.doubleClick(within(itemFor('tpyo')).getByText('tpyo'))
    const edit = () => document.querySelector('li.editing .edit') as HTMLInputElement
    expect(edit().value).toBe('tpyo')
    fireEvent.change(edit(), { target: { value: ' typo ' } })
    fireEvent.keyDown(edit(), { key: 'Enter' })
    expect(texts()).toEqual(['typo', 'keep me'])
    expect(document.querySelector('li.editing')).toBeNull()

    fireEvent.doubleClick(within(itemFor('keep me')).getByText('keep me'))
    fireEvent.change(edit(), { target: { value: 'changed my mind' } })
    fireEvent.keyDown(edit(), { key: 'Escape' })
    expect(texts()).toEqual(['typo', 'keep me'])

    fireEvent.doubleClick(within(itemFor('typo')).getByText('typo'))
    fireEvent.change(edit(), { target: { value: '  ' } })
    fireEvent.blur(edit())
    expect(texts()).toEqual(['keep me'])
  })

  it('delete', async () => {
    await renderApp()
    addTodo('one')
    addTodo('two')
    fireEvent.click(screen.getByRole('button', { name: 'Delete one' }))
    expect(texts()).toEqual(['two'])
    expect(count()).toBe('1 item left')
    fireEvent.click(screen.getByRole('button', { name: 'Delete two' }))
    expect(items()).toEqual([])
    expect(document.querySelector('.footer')).toBeNull()
  })

  it('filters: all, active, completed (the selected one is marked)', async () => {
    await renderApp()
    addTodo('open')
    addTodo('done')
    fireEvent.click(within(itemFor('done')).getByRole('checkbox'))
    fireEvent.click(filterLink('Active'))
    expect(texts()).toEqual(['open'])
    expect(filterLink('Active').className).toBe('selected')
    fireEvent.click(filterLink('Completed'))
    expect(texts()).toEqual(['done'])
    // Completing from another filter moves the todo out of this view.
    fireEvent.click(filterLink('Active'))
    fireEvent.click(within(itemFor('open')).getByRole('checkbox'))
    expect(texts()).toEqual([])
    fireEvent.click(filterLink('All'))
    expect(texts()).toEqual(['open', 'done'])
    expect(filterLink('All').className).toBe('selected')
  })

  it('new todos are listed after the existing ones', async () => {
    await renderApp()
    for (const text of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) addTodo(text)
    expect(texts()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
  })
})
