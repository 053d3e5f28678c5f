export * from './assignments';
export * from './escalations';
export * from './messages';
