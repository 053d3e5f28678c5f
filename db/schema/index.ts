export * from './assignments';
export * from './claims';
export * from './escalations';
export * from './messages';
export * from './message-events';
