// Reading the YAML configuration file. Syntax errors become one "FILE:LINE:COLUMN: …" problem.
import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import type { SluiceConfig } from './types';
import { ConfigError } from './config-error';
import { resolveConfig } from './resolve';

/** Loads, validates and resolves a configuration file. Throws ConfigError listing every problem. */
export function loadConfigFile(file: string): SluiceConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new ConfigError([`cannot read config file ${file}: ${why}`], file);
  }
  return resolveConfig(parseYaml(text, file), file);
}

/** Parses YAML text into plain data; the first syntax error becomes the single problem. */
export function parseYaml(text: string, file = '<config>'): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const where = at ? `${file}:${at.line}:${at.col}` : file;
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError([`${where}: YAML syntax error: ${message}`], file);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) throw new ConfigError([`${file}: the file is empty`], file);
  return data;
}
