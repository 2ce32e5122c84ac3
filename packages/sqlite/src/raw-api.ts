/**
 * The C functions of the wasm build, called directly. The `capi` wrappers of sqlite-wasm convert
 * arguments and allocate a scope on every call (about 1 µs each); these raw exports take plain
 * pointers and numbers, which is what keeps a cached statement run in the low microseconds.
 * Pointers are byte offsets into the wasm heap; `int64` parameters and results are bigints.
 */
export interface RawApi {
  sqlite3_prepare_v3(
    db: number,
    sql: number,
    bytes: number,
    flags: number,
    outStatement: number,
    outTail: number,
  ): number
  sqlite3_finalize(statement: number): number
  sqlite3_step(statement: number): number
  sqlite3_reset(statement: number): number
  sqlite3_clear_bindings(statement: number): number
  sqlite3_bind_parameter_count(statement: number): number
  sqlite3_bind_parameter_name(statement: number, index: number): number
  sqlite3_bind_int(statement: number, index: number, value: number): number
  sqlite3_bind_int64(statement: number, index: number, value: bigint): number
  sqlite3_bind_double(statement: number, index: number, value: number): number
  sqlite3_bind_null(statement: number, index: number): number
  sqlite3_bind_text(statement: number, index: number, text: number, bytes: number, destructor: number): number
  sqlite3_bind_blob(statement: number, index: number, blob: number, bytes: number, destructor: number): number
  sqlite3_column_count(statement: number): number
  sqlite3_column_name(statement: number, column: number): number
  sqlite3_column_type(statement: number, column: number): number
  sqlite3_column_double(statement: number, column: number): number
  sqlite3_column_int64(statement: number, column: number): bigint
  sqlite3_column_text(statement: number, column: number): number
  sqlite3_column_blob(statement: number, column: number): number
  sqlite3_column_bytes(statement: number, column: number): number
  sqlite3_changes(db: number): number
  sqlite3_get_autocommit(db: number): number
  sqlite3_set_authorizer(db: number, callback: number, context: number): number
  /** Returns the previous hook's context pointer. */
  sqlite3_update_hook(db: number, callback: number, context: number): number
  sqlite3_extended_result_codes(db: number, on: number): number
  sqlite3_close_v2(db: number): number
  sqlite3_malloc(bytes: number): number
  sqlite3_free(pointer: number): void
  sqlite3_serialize(db: number, schema: number, outSize: number, flags: number): number
  sqlite3_deserialize(db: number, schema: number, data: number, size: bigint, capacity: bigint, flags: number): number
  sqlite3session_create(db: number, schema: number, outSession: number): number
  sqlite3session_object_config(session: number, option: number, inOutValue: number): number
  sqlite3session_attach(session: number, table: number): number
  sqlite3session_changeset(session: number, outBytes: number, outChangeset: number): number
  sqlite3session_delete(session: number): void
  sqlite3changeset_invert(bytes: number, changeset: number, outBytes: number, outChangeset: number): number
  sqlite3changeset_apply(
    db: number,
    bytes: number,
    changeset: number,
    filter: number,
    conflict: number,
    context: number,
  ): number
  sqlite3_libversion_number(): number
  sqlite3_open_v2(filename: number, outDb: number, flags: number, vfsName: number): number
  /** A static English description of a result code. */
  sqlite3_errstr(code: number): number
  sqlite3_errmsg(db: number): number
  sqlite3_extended_errcode(db: number): number
  sqlite3_vfs_register(vfs: number, makeDefault: number): number
  sqlite3_vfs_find(name: number): number
  sqlite3_backup_init(destination: number, destinationName: number, source: number, sourceName: number): number
  sqlite3_backup_step(backup: number, pages: number): number
  sqlite3_backup_finish(backup: number): number
  /** JSON describing the build: result codes, struct layouts, … (a static string). */
  sqlite3__wasm_enum_json(): number
  sqlite3changeset_op(
    iterator: number,
    outTable: number,
    outColumns: number,
    outOp: number,
    outIndirect: number,
  ): number
}
