// `npm run demo:node`: the Node TodoMVC program prints its list after every change and exits.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

test('npm run demo:node prints the todos as they change and ends with the table and the eventlog head', () => {
  const output = execFileSync('npm', ['run', '--silent', 'demo:node'], { cwd: fileURLToPath(new URL('../../..', import.meta.url)), encoding: 'utf8' })
  expect(output).toContain('filter: active, 1 left\n  [ ] Write docs\n')
  expect(output.trimEnd().split('\n').slice(-5)).toEqual([
    'filter: all, 1 left',
    '  [x] Buy milk',
    '  [ ] Write docs',
    '',
    '3 todos in the table, eventlog head e5.1',
  ])
})
