/**
 * The `vault` command line. Commands are imported lazily so `vault check` (run by pre-commit
 * hooks on every commit) loads only what it needs.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EnvironmentError, EXIT, UsageError } from './exit.js';
import { DEFAULT_SAMPLE_ROWS, DEFAULT_TIMEOUT_MS } from './landing/defaults.js';
import { consoleOutput, type Output } from './output.js';
import { runSecrets, scrubbingOutput } from './secrets.js';
import { vaultVersion } from './version.js';

/** Loads `vault run` runs at once on a PostgreSQL server unless --jobs says otherwise. */
const DEFAULT_JOBS = 4;

export async function main(argv: ReadonlyArray<string>, output: Output = consoleOutput()): Promise<number> {
  // Every line printed from here on, stack traces included, is masked for this run's secrets.
  const o = scrubbingOutput(output, runSecrets(argv, process.env));
  let code: number = EXIT.ok;
  const program = new Command()
    .name('vault')
    .description('Data Vault 2.0 compiler: spec → raw vault, business vault, access layer')
    .version(vaultVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => o.out(s.trimEnd()), writeErr: (s) => o.err(s.trimEnd()) })
    .showSuggestionAfterError(true);

  program
    .command('check')
    .description('validate specs and print diagnostics; exit 0 when there is no error (pre-commit hook)')
    .argument('[files...]', 'spec files (YAML)')
    .option('--source-tables <string>', "compact source tables, e.g. 'orders:order_id(int),customer_id(int)'")
    .option('--model <name>', 'model name for --source-tables', 'model')
    .option('--business-context <text>', 'business context for --source-tables')
    .option('--target <list>', 'comma-separated targets to ask whether they can write the model (default: querydsl,sql,docs; add spark for Spark SQL)')
    .addOption(new Option('--format <format>', 'diagnostics format').choices(['text', 'json']).default('text'))
    .option('--json', 'print the diagnostics as JSON (the same as --format json)', false)
    .action(async (files: string[], opts: { sourceTables?: string; model: string; businessContext?: string; target?: string; format: 'text' | 'json'; json: boolean }, cmd: Command) => {
      if (files.length === 0 && opts.sourceTables === undefined) throw new UsageError('vault check needs at least one spec file or --source-tables');
      const { checkCommand } = await import('./commands/check.js');
      code = await checkCommand(files, { ...opts, format: jsonFormat(cmd, opts.json, opts.format) }, o);
    });

  program
    .command('compile')
    .description('write the Query DSL for every layer and manifest.json to OUT/MODEL/')
    .argument('[spec]', 'spec file (YAML); or use --model with --source-tables')
    .option('--out <dir>', 'output directory (default: generated)')
    .addOption(new Option('--stage <stage>', 'last stage to build').choices(['raw', 'business', 'access', 'all']).default('all'))
    .option('--target <list>', 'comma-separated targets: querydsl, sql (PostgreSQL), spark (Spark SQL), docs', 'querydsl')
    .option('--check', 'write nothing; exit 1 and list the files that would change', false)
    .option('--json', 'print the result as JSON (also when the spec has errors)', false)
    .option('--model <name>', 'model name (spec-less form)')
    .option('--source-tables <string>', 'compact source tables (spec-less form)')
    .option('--business-context <text>', 'business context (spec-less form)')
    .option('--output-dir <dir>', 'alias of --out')
    .option('--validate-db [url]', 'first check the landing zone (vault validate) in this database, or without URL the embedded one; stop on errors')
    .option('--watch', 'compile again whenever the spec (or the profile it names) changes, until Ctrl-C', false)
    .action(
      async (
        spec: string | undefined,
        opts: {
          watch: boolean;
          out?: string;
          outputDir?: string;
          stage: 'raw' | 'business' | 'access' | 'all';
          target: string;
          check: boolean;
          json: boolean;
          model?: string;
          sourceTables?: string;
          businessContext?: string;
          validateDb?: string | true;
        },
      ) => {
        const { compileCommand } = await import('./commands/compile.js');
        const out = opts.out ?? opts.outputDir;
        code = await compileCommand(spec, { ...opts, ...(out !== undefined ? { out } : {}) }, o);
      },
    );

  program
    .command('explain')
    .description('print why each hub, link, satellite and business key exists (the inference evidence)')
    .usage('[options] SPEC [NAME] | --source-tables STRING [NAME]')
    .argument('[spec]', 'spec file; or use --source-tables')
    .argument('[name]', 'only this entity or source table (a name, or an id such as raw_vault.hubs.customer, as vault graph --entity takes)')
    .option('--source-tables <string>', "compact source tables, e.g. 'orders:order_id(int),customer_id(int)'")
    .option('--model <name>', 'model name for --source-tables', 'model')
    .option('--json', 'print the explanation as JSON', false)
    .action(async (spec: string | undefined, name: string | undefined, opts: { sourceTables?: string; model: string; json: boolean }) => {
      const { explainCommand } = await import('./commands/explain.js');
      code = explainCommand(
        [spec, name].filter((x): x is string => x !== undefined),
        opts,
        o,
      );
    });

  program
    .command('seed')
    .description('fill the landing tables with N generated rows each (creating what is missing); never replaces rows it did not write unless --replace-tables names the table')
    .argument('<spec>', 'spec file')
    .requiredOption('--rows <n>', 'rows per landing table', wholeNumber)
    .option('--db <url>', 'PostgreSQL URL (default: the embedded database in .vault/MODEL/pgdata)')
    .option('--seed <s>', 'random seed: the same seed gives the same rows', wholeNumber, 1)
    .option('--batch <n>', 'batch 2, 3, …: the same rows with some changed and some new keys', positiveNumber, 1)
    .option('--replace-tables <tables>', 'comma-separated landing tables whose rows vault seed did not write may be replaced, e.g. customer,orders')
    // Taken only to say so: seed fills PostgreSQL landing tables, and no other engine's.
    .addOption(new Option('--engine <engine>', 'vault seed fills PostgreSQL landing tables only').choices(['postgres', 'spark']).hideHelp())
    .action(async (spec: string, opts: { rows: number; db?: string; seed: number; batch: number; replaceTables?: string; engine?: 'postgres' | 'spark' }) => {
      if (opts.engine === 'spark') {
        throw new UsageError(
          'vault seed fills PostgreSQL landing tables only (the embedded database or --db postgres://…); it has no --engine spark: fill Spark landing tables with your own pipeline, then run vault run --engine spark',
        );
      }
      const { seedCommand } = await import('./commands/seed.js');
      code = await seedCommand(spec, opts, o);
    });

  program
    .command('run')
    .description('create what is missing and load the raw vault from the landing tables; report every layer')
    .argument('<spec>', 'spec file')
    .addOption(new Option('--engine <engine>', 'where to load: PostgreSQL, or Apache Spark / Databricks SQL (docs/spark.md)').choices(['postgres', 'spark']).default('postgres'))
    .option(
      '--db <url>',
      'PostgreSQL URL (default: the embedded database in .vault/MODEL/pgdata); with --engine spark: spark://HOST:PORT[/DATABASE] or spark+https://HOST/PATH (default: VAULT_SPARK_URL; credentials only from VAULT_SPARK_USER/VAULT_SPARK_PASSWORD or VAULT_SPARK_TOKEN)',
    )
    .option('--load-ts <timestamp>', "the batch's load timestamp (default: now)")
    .addOption(new Option('--stage <stage>', 'last layer to create and report').choices(['raw', 'business', 'access', 'all']).default('all'))
    .option('--count-views', 'after loading, count the rows of every business-vault and access-layer view', false)
    .option('--no-skip-unchanged', 'run every load, each reading every landing row, also those whose landing tables are unchanged since their last load')
    .option('--jobs <n>', 'loads run at once on a PostgreSQL server, each on its own connection (default: 4; the embedded database and Spark run one)', positiveNumber)
    .option('--replace-views', "drop the model's business vault and access layer views before setup creates them (after a spec change to their columns)", false)
    .action(
      async (
        spec: string,
        opts: {
          engine: 'postgres' | 'spark';
          db?: string;
          loadTs?: string;
          stage: 'raw' | 'business' | 'access' | 'all';
          countViews: boolean;
          skipUnchanged: boolean;
          jobs?: number;
          replaceViews: boolean;
        },
      ) => {
        const { runCommand } = await import('./commands/run.js');
        // --jobs given is checked against the engine (Spark refuses more than one); not given: 4 on PostgreSQL.
        code = await runCommand(spec, { ...opts, ...(opts.jobs === undefined && opts.engine === 'postgres' ? { jobs: DEFAULT_JOBS } : {}) }, o);
      },
    );

  program
    .command('validate')
    .description('check that the landing zone holds the source tables and columns of the spec, with compatible types, and that they can be read')
    .argument('<spec>', 'spec file')
    .addOption(new Option('--engine <engine>', 'where the landing zone is: PostgreSQL, or Apache Spark / Databricks SQL (docs/spark.md)').choices(['postgres', 'spark']).default('postgres'))
    .option(
      '--db <url>',
      'PostgreSQL URL (default: the embedded database in .vault/MODEL/pgdata); with --engine spark: spark://HOST:PORT[/DATABASE] or spark+https://HOST/PATH (default: VAULT_SPARK_URL)',
    )
    .option('--profile', 'also sample each table: business key unique? NULL?', false)
    .option('--sample <n>', 'rows sampled per table by --profile', positiveNumber, DEFAULT_SAMPLE_ROWS)
    .option('--timeout-ms <ms>', 'statement timeout of each query that reads a table (PostgreSQL; Spark has none)', positiveNumber, DEFAULT_TIMEOUT_MS)
    .option('--json', 'print the result as JSON', false)
    .action(async (spec: string, opts: { engine: 'postgres' | 'spark'; db?: string; profile: boolean; sample: number; timeoutMs: number; json: boolean }) => {
      const { validateCommand } = await import('./commands/validate.js');
      code = await validateCommand(spec, opts, o);
    });

  program
    .command('init')
    .description('write a spec from the tables, keys, foreign keys and comments of a landing schema')
    .requiredOption('--schema <name>', 'the landing schema to read')
    .option('--db <url>', 'PostgreSQL URL (default: the embedded database of MODEL in .vault/MODEL/pgdata)')
    .option('--model <name>', 'model name (default: the schema name)')
    .option('-o, --output <file>', 'write the spec to FILE instead of standard output')
    .option('--tables <patterns>', "only tables matching these comma-separated globs, e.g. 'ews_*,customer'")
    .option('--force', 'overwrite FILE if it exists', false)
    .action(async (opts: { schema: string; db?: string; model?: string; output?: string; tables?: string; force: boolean }) => {
      const { initCommand } = await import('./commands/init.js');
      code = await initCommand(opts, o);
    });

  program
    .command('suggest')
    .description('ask a model (Ollama or Groq) for business names and rules; print the checked proposals as a diff of the spec; --write applies it')
    .argument('<spec>', 'spec file')
    .addOption(new Option('--provider <provider>', 'where the model runs: ollama (local) or groq (cloud, key in GROQ_API_KEY)').choices(['ollama', 'groq']).makeOptionMandatory())
    .option('--model <name>', 'model name (default: llama3.1:8b for ollama, openai/gpt-oss-20b for groq)')
    .option('--what <list>', 'what to propose: names, rules, or names,rules', 'names,rules')
    .option('--write', 'apply the accepted proposals to the spec file (atomically, comments kept)', false)
    .option('--host <url>', 'Ollama server (default: OLLAMA_HOST, else http://127.0.0.1:11434)')
    .option('--timeout-ms <n>', 'give up on a request after this many milliseconds', positiveNumber, 120_000)
    .option('--retries <n>', 'retries after HTTP 408, 409, 429 and 5xx, with exponential backoff', wholeNumber, 2)
    .option('--no-cache', 'ask the model even when .vault/llm-cache/ holds the answer, and keep nothing')
    .option('--examples <dir>', 'a folder of your own few-shot example files (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .addOption(new Option('--api-key [key]').hideHelp())
    .action(
      async (
        spec: string,
        opts: { provider: 'ollama' | 'groq'; model?: string; what: string; write: boolean; host?: string; timeoutMs: number; retries: number; cache: boolean; examples: string[]; apiKey?: unknown },
      ) => {
        if (opts.apiKey !== undefined) throw new UsageError('vault takes no API key on the command line, where process lists and shell history show it; set GROQ_API_KEY in the environment');
        if (opts.host !== undefined && opts.provider !== 'ollama') throw new UsageError('--host is for --provider ollama; for a Groq gateway set GROQ_BASE_URL');
        // An empty value would be sent as it is (model '') or silently mean the default server while messages show ''.
        if (opts.model !== undefined && opts.model.trim() === '') throw new UsageError('--model needs a model name, such as llama3.1:8b');
        if (opts.host !== undefined && opts.host.trim() === '') throw new UsageError('--host needs a URL, such as http://127.0.0.1:11434');
        const what = opts.what.split(',').map((w) => w.trim());
        if (what.length === 0 || what.some((w) => w !== 'names' && w !== 'rules') || new Set(what).size !== what.length) {
          throw new UsageError(`--what takes names, rules or names,rules, not '${opts.what}'`);
        }
        const { suggestCommand } = await import('./commands/suggest.js');
        code = await suggestCommand(spec, { ...opts, what: what as Array<'names' | 'rules'> }, o);
      },
    );

  program
    .command('docs')
    .description('write README.md (tables, Mermaid diagrams) and the raw vault ER and lineage diagrams as DOT and SVG to OUT/MODEL/')
    .argument('<spec>', 'spec file')
    .option('--out <dir>', 'output directory (default: docs-out)')
    .option('--check', 'write nothing; exit 1 and list the files that would change', false)
    .option('--json', 'print the result (files written, or with --check the changes) as JSON', false)
    .action(async (spec: string, opts: { out?: string; check: boolean; json: boolean }) => {
      const { docsCommand } = await import('./commands/docs.js');
      code = await docsCommand(spec, opts, o);
    });

  program
    .command('graph')
    .description('print the lineage graph (source tables → raw vault → business vault → access layer), or the part around one entity')
    .argument('<spec>', 'spec file')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'))
    .option('--entity <name>', 'only what feeds this entity or source table and what it feeds (a name, or an id such as raw_vault.hubs.customer)')
    .option('--upstream', 'with --entity: only what feeds it', false)
    .option('--downstream', 'with --entity: only what it feeds', false)
    .option('--json', 'the same as --format json', false)
    .action(async (spec: string, opts: { format: 'mermaid' | 'dot' | 'json'; entity?: string; upstream: boolean; downstream: boolean; json: boolean }, cmd: Command) => {
      const { graphCommand } = await import('./commands/graph.js');
      code = graphCommand(spec, { ...opts, format: jsonFormat(cmd, opts.json, opts.format) }, o);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // 'commander.help' is `vault help` (exit code 0) or no command at all (1: the usage went to standard error).
      const asked = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && e.exitCode === 0);
      return asked ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      o.err(`vault: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof EnvironmentError) {
      o.err(`vault: ${e.message}`);
      return EXIT.failed;
    }
    // A file-system refusal no command anticipated is still the machine's, not a bug: one line.
    // The words are loaded only now, as the commands are: most runs never need them.
    const { fsReason, isEnvironmentFsError } = await import('@vault/dsl/internal');
    if (isEnvironmentFsError(e)) {
      o.err(`vault: ${e.syscall ?? 'access'} ${e.path ?? ''}: ${fsReason(e)}`.replace(/  +/, ' '));
      return EXIT.failed;
    }
    o.err(`vault: internal error (this is a bug in vault, please report it):\n${(e as Error).stack ?? String(e)}`);
    return EXIT.internal;
  }
}

/**
 * `--json` is `--format json` where a command has both (check, graph); asking for JSON and
 * another format at once is a usage mistake.
 */
function jsonFormat<F extends string>(cmd: Command, json: boolean, format: F): F | 'json' {
  if (!json) return format;
  if (cmd.getOptionValueSource('format') === 'cli' && format !== 'json') throw new UsageError(`--json and --format ${format} ask for different output; give one`);
  return 'json';
}

/** No count, seed or timeout needs more than nine digits. */
const LARGEST_NUMBER = 999_999_999;

/** A whole-number option of at least `min`; its message states the option's own minimum, whatever is wrong with the value. */
function wholeNumberFrom(min: 0 | 1): (text: string) => number {
  return (text) => {
    const digits = text.trim();
    if (!/^\d+$/.test(digits) || Number(digits) < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    if (Number(digits) > LARGEST_NUMBER) throw new InvalidArgumentError(`expected a whole number from ${min} to ${LARGEST_NUMBER}`);
    return Number(digits);
  };
}

const wholeNumber = wholeNumberFrom(0);
const positiveNumber = wholeNumberFrom(1);
