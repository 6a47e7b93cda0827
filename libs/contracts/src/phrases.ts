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
