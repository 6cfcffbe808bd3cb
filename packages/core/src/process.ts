/** Whether a process with this pid runs (EPERM: it runs, as another user). For locks and leftovers of dead processes. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
