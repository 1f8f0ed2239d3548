export { configureLogging, getLogger, setLoggingSilent, type Logger } from './logger';
export { currentContext, runWithContext, type RequestContext } from './request-context';
