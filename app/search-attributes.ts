import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { customSearchAttributes } from '../workflows/search-attributes';

// @temporalio/proto is CommonJS: take the namespace off the default export.
const { IndexedValueType } = proto.temporal.api.enums.v1;

const indexedType: Record<
  (typeof customSearchAttributes)[number]['type'],
  proto.temporal.api.enums.v1.IndexedValueType
> = {
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/**
 * Registers our custom search attributes on a server that lacks them (e.g. the docker-compose server);
 * the dev server gets them at start. Existing ones are left alone, so this is safe on every start.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = customSearchAttributes.filter((k) => !known.has(k.name));
  if (missing.length === 0) return [];
  await addSearchAttributes(connection, namespace, missing);
  return missing.map((k) => k.name);
}

/**
 * Adds attributes without listing first: the time-skipping test server implements the add call of the
 * operator service but not the list call.
 */
export async function addSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly (typeof customSearchAttributes)[number][] = customSearchAttributes,
): Promise<void> {
  const searchAttributes = Object.fromEntries(keys.map((k) => [k.name, indexedType[k.type]]));
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}
