import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { customSearchAttributes } from '../contract/search-attributes';

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
  try {
    await addSearchAttributes(connection, namespace, missing);
  } catch (err) {
    // Another process (a worker and an API starting together) registered them a moment ago: done.
    const now = await connection.operatorService.listSearchAttributes({ namespace }).catch(() => undefined);
    if (missing.every((k) => k.name in (now?.customAttributes ?? {}))) return [];
    // A server we may not administer (Temporal Cloud, a locked-down cluster): say exactly what to run.
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `search attributes missing in namespace '${namespace}' and could not be registered (${reason}); ` +
        `register them with:\n${registrationCommands(namespace, missing).join('\n')}`,
    );
  }
  return missing.map((k) => k.name);
}

const cliTypeNames: Record<(typeof customSearchAttributes)[number]['type'], string> = {
  BOOL: 'Bool',
  KEYWORD: 'Keyword',
  DATETIME: 'Datetime',
};

/** The `temporal` CLI commands that register the given attributes. */
export function registrationCommands(
  namespace: string,
  keys: readonly (typeof customSearchAttributes)[number][] = customSearchAttributes,
): string[] {
  return keys.map(
    (k) =>
      `  temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${cliTypeNames[k.type]}`,
  );
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
