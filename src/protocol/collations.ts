// Collation ids clients send in the handshake, with their character set, so a session's charset can
// be set on whichever backend connection serves it. MySQL 8's utf8mb4_0900_* ids are unknown to
// MariaDB and map to the nearest MariaDB collation.

export interface CollationInfo {
  charset: string;
  name: string;
}

const TABLE: Record<number, CollationInfo> = {
  8: { charset: 'latin1', name: 'latin1_swedish_ci' },
  5: { charset: 'latin1', name: 'latin1_german1_ci' },
  47: { charset: 'latin1', name: 'latin1_bin' },
  48: { charset: 'latin1', name: 'latin1_general_ci' },
  11: { charset: 'ascii', name: 'ascii_general_ci' },
  28: { charset: 'gbk', name: 'gbk_chinese_ci' },
  33: { charset: 'utf8mb3', name: 'utf8mb3_general_ci' },
  83: { charset: 'utf8mb3', name: 'utf8mb3_bin' },
  192: { charset: 'utf8mb3', name: 'utf8mb3_unicode_ci' },
  45: { charset: 'utf8mb4', name: 'utf8mb4_general_ci' },
  46: { charset: 'utf8mb4', name: 'utf8mb4_bin' },
  224: { charset: 'utf8mb4', name: 'utf8mb4_unicode_ci' },
  246: { charset: 'utf8mb4', name: 'utf8mb4_unicode_520_ci' },
  255: { charset: 'utf8mb4', name: 'utf8mb4_general_ci' }, // utf8mb4_0900_ai_ci (MySQL 8 default)
  63: { charset: 'binary', name: 'binary' },
};

export function collationInfo(id: number): CollationInfo | null {
  return TABLE[id] ?? null;
}
