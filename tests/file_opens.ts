// Test helpers for checking that code closes the files it opens.

/** Runs `fn` with every file `Deno.open` opens meanwhile recorded in `opened`. */
export async function recordingOpens<T>(fn: (opened: Deno.FsFile[]) => Promise<T>): Promise<T> {
  const realOpen = Deno.open;
  const opened: Deno.FsFile[] = [];
  Deno.open = async (...args: Parameters<typeof Deno.open>) => {
    const file = await realOpen(...args);
    opened.push(file);
    return file;
  };
  try {
    return await fn(opened);
  } finally {
    Deno.open = realOpen;
  }
}

/** Whether a file is still open: fstat works on an open file only. */
export async function isOpen(file: Deno.FsFile): Promise<boolean> {
  try {
    await file.stat();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.BadResource) return false;
    throw error;
  }
}
