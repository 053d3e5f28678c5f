import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/*
 * A workflow history to and from proto3 JSON, the format `temporal workflow show --output json` writes
 * (enum names in full, 64-bit ids as strings, RFC 3339 times, payload bytes in base64).
 *
 * Why not @temporalio/common's historyToJSON / historyFromJSON: with our package-lock, @temporalio/common
 * and @temporalio/proto each get their own copy of protobufjs 8 (the top level holds the 7.x that
 * @grpc/proto-loader wants). protojson from common's copy then refuses a type from proto's copy
 * ("type must be a Type"). So protojson is taken from the copy @temporalio/proto itself resolves.
 */

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}

const protoEntry = createRequire(import.meta.url).resolve('@temporalio/proto');
const protojson = createRequire(protoEntry)('protobufjs/ext/protojson') as ProtoJson;
const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
const historyType = root.lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return JSON.stringify(protojson.toJson(historyType, message), null, 2);
}

/** Parses proto3 JSON; throws on anything that is not a History (fields it does not know are skipped). */
export function historyFromJson(json: unknown): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
