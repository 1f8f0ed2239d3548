import { createHash } from 'node:crypto';

/**
 * Names for pg's prepared statements, so that PostgreSQL parses and plans each SQL text once per
 * connection instead of on every execution (Prisma's pg adapter sends unnamed statements unless
 * it is given such a generator). A name is a hash of its text, so one name never stands for two
 * texts. After `limit` distinct texts, new ones run unnamed: that bounds what every connection
 * (pg's parsed-statement map) and server session keeps, without evicting names pg believes are
 * parsed. Written here because the adapter only takes the callback.
 */
export function preparedStatementNames(limit: number): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    // An empty name is pg's unnamed statement: parsed for this execution only.
    if (names.size >= limit) return '';
    const name = `s_${createHash('sha256').update(sql).digest('base64url').slice(0, 22)}`;
    names.set(sql, name);
    return name;
  };
}
