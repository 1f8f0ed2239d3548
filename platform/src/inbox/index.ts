export { inboxContainsSql, inboxInsertSql, type InboxInsertOptions } from './inbox-sql';
