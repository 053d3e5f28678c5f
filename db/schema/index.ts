export * from './assignments';
export * from './claims';
export * from './escalations';
export * from './messages';
