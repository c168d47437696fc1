/**
 * CSV import: a multipart upload with progress. A file with bad rows comes back as a 422 whose
 * `details.errors` lists them by line; nothing is stored unless `keep_good_rows` was asked for.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { uploadWithProgress } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import type { ImportResult, ImportRowError } from '@/lib/api/types';

/** A price the file gave for a time already stored with another value (the stored one was kept). */
export interface ImportConflict { ts: string; column: string; stored: string; file: string }

/** The import's answer: stored bars never change, so `conflicts` counts the file's rows that disagree. */
export type ImportOutcome = ImportResult & { conflicts?: { count: number; examples: ImportConflict[] } };

export interface ImportRequest {
  file: File;
  symbol: string;
  timeframe: string;
  keepGoodRows: boolean;
}

export function useImportBars() {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState(0);
  const mutation = useMutation({
    mutationFn: ({ file, symbol, timeframe, keepGoodRows }: ImportRequest) => {
      const form = new FormData();
      form.append('file', file);
      form.append('symbol', symbol.trim().toUpperCase());
      if (timeframe) form.append('timeframe', timeframe);  // none: the file's own spacing
      form.append('keep_good_rows', keepGoodRows ? 'true' : 'false');
      setProgress(0);
      return uploadWithProgress<ImportOutcome>('/bars/import', form, setProgress);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.series });
      void queryClient.invalidateQueries({ queryKey: keys.bars.all });
    },
  });
  return { ...mutation, progress };
}

/** The row errors a rejected import reported (an ApiError's `details.errors`), if any. */
export function rowErrors(details: Record<string, unknown> | undefined): ImportRowError[] {
  const errors = details?.errors;
  return Array.isArray(errors)
    ? errors.filter((e): e is ImportRowError => typeof e?.line === 'number' && typeof e?.reason === 'string')
    : [];
}
