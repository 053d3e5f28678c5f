export * from './assignments';
export * from './claims';
export * from './escalations';
export * from './message-events';
export * from './messages';
export * from './requests';
export * from './settlements';
