import { CairnError } from '@cairn/store'

/** A hook that needs a store (`useStore`, `useQuery`, `useClientDocument`) rendered outside of one. */
export class StoreNotProvidedError extends CairnError {
  readonly _tag = 'StoreNotProvidedError'
  constructor(readonly hook: string) {
    super(
      `${hook} was called in a component that is not inside a <LiveStoreProvider>, so there is no store to use. ` +
        `Render the component under <LiveStoreProvider schema={schema} adapter={adapter}>, or provide an existing store ` +
        `with <LiveStoreContext.Provider value={{ stage: 'running', store }}>.`,
    )
  }
}

/** `useClientDocument` got something that is not a client document, or no id for a document without a default id. */
export class InvalidClientDocumentError extends CairnError {
  readonly _tag = 'InvalidClientDocumentError'
}
