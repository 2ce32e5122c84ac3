import fs from 'node:fs'

/** The first `length` bytes of the file at `path`, or undefined when the file is shorter. */
export function readFilePrefix(path: string, length: number): Uint8Array | undefined {
  const bytes = new Uint8Array(length)
  const fd = fs.openSync(path, 'r')
  try {
    let done = 0
    while (done < length) {
      const read = fs.readSync(fd, bytes, done, length - done, done)
      if (read === 0) return undefined
      done += read
    }
    return bytes
  } finally {
    fs.closeSync(fd)
  }
}
