/**
 * The JSON Schema of the vault spec, version 1. `packages/dsl/schema.json` (published as
 * `@vault/dsl/schema.json`, for editors) is written from this constant (`npm run schema`); a
 * test keeps them equal.
 * `spec-schema-proof.ts` proves at compile time that it describes exactly `Spec` from core.
 */
import { MAX_KEEP_DAYS } from '@vault/core/internal';

const identifier = { type: 'string', minLength: 1 } as const;
const columnList = { type: 'array', items: identifier, minItems: 1 } as const;
const expression = { type: 'string', minLength: 1, description: 'An expression in the vault expression language (docs/expressions.md).' } as const;

const columnObject = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: {
      type: 'string',
      minLength: 1,
      description: 'Column type: int, bigint, decimal(18,2), text, varchar(40), boolean, date, timestamp, timestamptz, uuid, json, ... (PostgreSQL spellings accepted).',
    },
    nullable: { type: 'boolean', description: 'Whether the column may be NULL. Default true.' },
    description: { type: 'string' },
    role: {
      type: 'string',
      enum: ['technical', 'sensitive', 'ignore'],
      description: 'technical: load/CDC bookkeeping, kept out of satellites; sensitive: goes to a separate satellite; ignore: not loaded.',
    },
  },
} as const;

const reference = {
  type: 'object',
  additionalProperties: false,
  required: ['columns', 'table'],
  properties: {
    columns: { ...columnList, description: 'Columns of this table, in the order of the target key.' },
    table: { ...identifier, description: 'The referenced table.' },
    target_columns: { ...columnList, description: "Columns of the target table; default: the target's business key." },
    role: { ...identifier, description: 'Role name, e.g. manager for manager_staff_id.' },
    link: { ...identifier, description: 'Name of the link this relationship forms, for a table that becomes a hub (one link per reference).' },
  },
} as const;

const table = {
  type: 'object',
  additionalProperties: false,
  required: ['columns'],
  properties: {
    description: { type: 'string' },
    kind: { type: 'string', enum: ['hub', 'link', 'non_historized_link', 'reference'], description: 'Override inference: what this table becomes.' },
    hub: { ...identifier, description: 'Name of the hub this table feeds.' },
    link: {
      ...identifier,
      description:
        'Name of the link this table forms: for a link table its name; for a hub table one unit-of-work link of its hub and all its references, instead of one link per reference; for an event table its non-historized link.',
    },
    business_key: { ...columnList, description: 'Declared business key columns, in order.' },
    dependent_child_keys: { ...columnList, description: "Link tables: columns of the link's grain that are no hub's key (a line number), hashed after the hubs' keys." },
    driving_key: {
      ...columnList,
      description: 'Link tables: columns of its references whose hubs drive the link (their relationship to the other hubs changes over time); the link then gets an effectivity satellite.',
    },
    effectivity: {
      type: 'boolean',
      description: 'false: the links this table forms with a driving key get no effectivity satellite, and the business vault offers every relationship loaded. Default true.',
    },
    multi_active_key: {
      ...columnList,
      description:
        'Columns that tell apart the rows of one parent key active at once (phone_type, rating_agency): the table becomes a multi-active satellite of the hub its other key columns reference.',
    },
    primary_key: columnList,
    unique_keys: { type: 'array', items: columnList },
    columns: {
      type: 'object',
      description: 'Column name → type (shorthand) or column settings.',
      additionalProperties: { anyOf: [{ type: 'string', minLength: 1 }, columnObject] },
    },
    references: { type: 'array', items: reference },
    satellites: {
      type: 'object',
      description: 'Satellite name → payload columns, or { parent, columns } for a satellite of a hub the table references.',
      additionalProperties: {
        anyOf: [
          columnList,
          {
            type: 'object',
            additionalProperties: false,
            required: ['parent', 'columns'],
            properties: {
              parent: { ...identifier, description: 'The hub the satellite describes: one the table references (<role>_<hub> under a role), or its own hub or link.' },
              columns: columnList,
            },
          },
        ],
      },
    },
    record_source: { type: 'string', minLength: 1, description: "What the rows this table brings hold in record_source. Default: '<record_source>.<table>'." },
    delta_order: { ...identifier, description: 'Column that orders several changes of one key inside a batch.' },
    duplicates: {
      description:
        'Rows of one batch with the same satellite key (and delta-order value) but different payloads. report (default): keep the smallest hashdiff, count them; reject: refuse the batch; error_table: keep the same row, write the others to vault_duplicates; keep_last_by: keep the row with the greatest value of that column.',
      anyOf: [
        { type: 'string', enum: ['report', 'reject', 'error_table'] },
        { type: 'object', additionalProperties: false, required: ['keep_last_by'], properties: { keep_last_by: { ...identifier, description: 'The column whose greatest value wins.' } } },
      ],
    },
    batches: {
      type: 'string',
      enum: ['full', 'delta'],
      description: 'What one batch of the landing table holds: full, the whole source (a key missing from a batch was deleted); delta (default), changes only.',
    },
    deletes: {
      description:
        'How the table marks deletes: flag, a boolean column (true = deleted); operation, a CDC operation column and its delete values (default D, DELETE; case-insensitive); none: no marker, none inferred. Default: inferred from the columns.',
      anyOf: [
        { type: 'string', enum: ['none'] },
        { type: 'object', additionalProperties: false, required: ['flag'], properties: { flag: { ...identifier, description: 'A boolean column: true = deleted.' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['operation'],
          properties: {
            operation: { ...identifier, description: 'The CDC operation column.' },
            delete_values: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Values of the operation column that mean delete (default D, DELETE).' },
          },
        },
      ],
    },
  },
} as const;

const ruleSet = {
  type: 'object',
  additionalProperties: false,
  properties: {
    derive: { type: 'object', description: 'Derived attribute name → expression.', additionalProperties: expression },
    filter: expression,
  },
} as const;

const snapshotEvery = {
  type: 'string',
  enum: ['day', 'week_end', 'month_end', 'quarter_end', 'year_end'],
  description: 'day, or the last day of each ISO week (Sunday), month, quarter or year.',
} as const;

const snapshots = {
  type: 'object',
  additionalProperties: false,
  required: ['start'],
  description: 'Snapshot control: the as-of dates reports read (docs/spec.md, "Snapshots").',
  properties: {
    start: { type: 'string', description: 'First snapshot date, YYYY-MM-DD.' },
    end: { type: 'string', description: "Last snapshot date, YYYY-MM-DD, or 'today' (the batch load timestamp's date, UTC). Default today." },
    every: { ...snapshotEvery, description: 'Which dates are snapshots. Default day.' },
    keep: {
      type: 'array',
      minItems: 1,
      description: 'Retention: a snapshot is kept while some rule keeps it.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['every'],
        properties: {
          every: snapshotEvery,
          for_days: {
            type: 'integer',
            minimum: 1,
            maximum: MAX_KEEP_DAYS,
            description: `Keep for this many days back from the latest snapshot, 1 to ${MAX_KEEP_DAYS} (every date from 0001-01-01 to 9999-12-31). Default: always.`,
          },
        },
      },
    },
  },
} as const;

export const SPEC_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://vault.dev/schema/vault-spec.schema.json',
  title: 'vault spec',
  description: 'A Data Vault 2.0 model for the vault compiler (docs/spec.md).',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'model', 'tables'],
  properties: {
    version: { const: 1, description: 'Spec format version. Only 1 exists.' },
    model: { ...identifier, description: 'Model name: output goes to OUT/<model>/.' },
    description: { type: 'string', description: 'Business context: what the model is for.' },
    record_source: { type: 'string', minLength: 1, description: "Source system: each table's record source defaults to '<record_source>.<table>'. Default: the model name." },
    schemas: {
      type: 'object',
      additionalProperties: false,
      properties: { landing: identifier, raw_vault: identifier, business_vault: identifier, access_layer: identifier },
    },
    hashing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        algorithm: { type: 'string', enum: ['md5', 'sha1', 'sha256'], description: 'Default md5.' },
        case_sensitive_keys: { type: 'boolean', description: 'Keep the case of business keys. Default false.' },
        case_sensitive_hashdiff: { type: 'boolean', description: 'Keep the case of hashdiff payloads. Default true.' },
      },
    },
    framework: {
      type: 'object',
      additionalProperties: false,
      properties: { profile: { type: 'string', minLength: 1, description: 'Framework profile file, relative to the spec.' } },
    },
    tables: { type: 'object', description: 'Source table name → table.', additionalProperties: table },
    business_vault: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rules: { type: 'object', description: 'Hub or link name → business rules.', additionalProperties: ruleSet },
        pits: {
          description: 'Hubs and links that get a point-in-time table: all (default: those with two or more satellites, when the model has snapshots), none, or a list.',
          anyOf: [
            { type: 'string', enum: ['all', 'none'] },
            { type: 'array', items: identifier },
          ],
        },
        bridges: {
          type: 'object',
          description: 'Bridge name → the path of hubs and links it follows (needs snapshots).',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['path'],
            properties: {
              description: { type: 'string' },
              path: { type: 'array', items: identifier, description: 'Hub, link, hub, …, hub: each link joins the hubs beside it.' },
            },
          },
        },
      },
    },
    access_layer: {
      type: 'object',
      additionalProperties: false,
      properties: {
        presentation_views: {
          anyOf: [
            { type: 'string', enum: ['all', 'none'] },
            { type: 'array', items: identifier },
          ],
        },
        dimensional_models: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['fact', 'measures'],
            properties: {
              description: { type: 'string' },
              fact: identifier,
              measures: columnList,
              dimensions: columnList,
              history: {
                type: 'string',
                enum: ['type1', 'type2'],
                description:
                  "type1 (default): each dimension holds its members' current values; type2: one row per version of each member, and each fact points at the version valid at its fact_date.",
              },
              fact_date: {
                ...identifier,
                description: "type2: the date or timestamp column of the fact (its own, or of its business satellite) that picks the dimension versions; default: the fact's load_ts.",
              },
            },
          },
        },
        reporting_views: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['from'],
            properties: { description: { type: 'string' }, from: identifier, columns: columnList, filter: expression },
          },
        },
      },
    },
    snapshots,
  },
} as const;
