/** Types of scripts/extract-doc-examples.mjs, for the test that runs the examples. */
export declare const GENERATED_DIR: string

export interface DocExample {
  /** The markdown file, relative to the repository root (e.g. `packages/store/README.md`). */
  readonly source: string
  /** Line of the markdown file where the block's code starts. */
  readonly line: number
  /** File name of the generated module (e.g. `example-1.ts` or a block's `file=` name). */
  readonly name: string
  /** Absolute path of the generated module. */
  readonly path: string
  /** False for `no-run` blocks (typechecked only). */
  readonly run: boolean
}

export interface CodeBlock {
  readonly lang: string
  readonly line: number
  readonly code: string
  readonly file: string | undefined
  readonly noRun: boolean
  readonly ignore: boolean
}

export declare const docFiles: (root?: string) => string[]
export declare const codeBlocks: (markdown: string) => CodeBlock[]
export declare const transform: (code: string, where: { file: string; line: number }) => { code: string; usesRuntime: boolean }
export declare const extractDocExamples: (options?: { root?: string }) => DocExample[]
