// Deterministic part of the corpus, built from small tables of grammar pieces.
import type { CorpusStatement } from '../../helpers/corpus-load';

export function generatedStatements(): CorpusStatement[] {
  return [];
}
