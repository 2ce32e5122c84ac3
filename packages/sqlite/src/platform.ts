/** Whether this runs in Node (where the wasm is instantiated from its file, and calls into Web APIs are cheap). */
export const isNode = (): boolean => globalThis.process?.versions?.node !== undefined
