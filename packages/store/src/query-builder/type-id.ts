/**
 * Marks query builders (`isQueryBuilder`) and holds their compile function. Symbols keep both off
 * the autocompleted surface; `Symbol.for` lets two copies of the package recognise each other's builders.
 */
export const QueryBuilderTypeId: unique symbol = Symbol.for('cairn/QueryBuilder')

/** Key of the builder's internal compile method (see `compileQuery`). */
export const CompileSymbol: unique symbol = Symbol.for('cairn/QueryBuilder/compile')
