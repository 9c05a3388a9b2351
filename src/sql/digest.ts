export interface Digest { text: string; values: (string | number | bigint | null)[] }
export function digest(sql: string): Digest { throw new Error('TODO'); }
