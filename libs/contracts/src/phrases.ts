export interface PhraseResponse {
  id: number;
  text: string;
  position: number;
}

export interface CreatePhraseRequest {
  text: string;
}

export interface ReplacePhrasesRequest {
  phrases: string[];
}

export interface ReorderPhrasesRequest {
  ids: number[];
}

/** The shared list never holds more phrases than this. */
export const PHRASES_MAX = 500;

/**
 * Two phrases are one when they differ only in surrounding spaces, case, or how an accented letter is encoded; the
 * server refuses the second and the web app says so before sending.
 */
export const phraseKey = (text: string): string => text.trim().normalize('NFC').toLowerCase();
