export { createDatabase, type Database, type DatabaseConfig, type DatabaseHandle } from './client';
export * from './schema';
