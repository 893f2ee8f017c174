/**
 * Whether process `pid` exists, for the pid lock files (the embedded database's and the output
 * folder's): signal 0 checks without sending anything; EPERM means it exists under another user.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
