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
