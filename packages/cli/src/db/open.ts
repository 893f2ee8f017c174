/**
 * Which database a command uses: the server named by `--db`, else the embedded one of the model.
 */
import type { Database } from './database.js';
import { DB_OPTION, embeddedDataDir, openEmbedded } from './embedded.js';
import { openServer } from './server.js';
import { pinSessionSettings } from './session-settings.js';

export interface OpenOptions {
  /** `--db URL`; absent: the embedded database of `model`. */
  readonly url?: string;
  readonly model: string;
  /** Informational lines (standard error). */
  readonly note: (line: string) => void;
  /** How the command names a server, in messages (default `--db URL`; compile's is `--validate-db=URL`). */
  readonly serverOption?: string;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const db =
    options.url !== undefined
      ? await openServer(options.url, options.serverOption)
      : await openEmbedded(embeddedDataDir(options.model), {
          onCreate: (dir) => options.note(`vault: creating the embedded PostgreSQL database ${dir} (first use; pass ${options.serverOption ?? DB_OPTION} to use a server)`),
          ...(options.serverOption !== undefined ? { serverOption: options.serverOption } : {}),
        });
  // The same vault and the same output whatever the database's, role's or PGOPTIONS' settings.
  await pinSessionSettings(db);
  return db.kind === 'server' ? { ...db, fork: () => openDatabase(options) } : db;
}
