// The one error type configuration loading throws: every problem found, one line each.

/** A configuration that cannot be used. `problems` holds one self-contained line per problem, in the order found. */
export class ConfigError extends Error {
  readonly code = 'SLUICE_CONFIG';

  constructor(
    readonly problems: string[],
    /** The file the configuration came from, when there was one. */
    readonly source?: string,
  ) {
    const where = source ? `${source}: ` : '';
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${where}invalid configuration (${count}):\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}
