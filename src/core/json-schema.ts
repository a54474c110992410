/** A JSON Schema fragment, as plain data: what registries declare and config assembles and validates. */
export type JsonSchema = { [key: string]: unknown };
