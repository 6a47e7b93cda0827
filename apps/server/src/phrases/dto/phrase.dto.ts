import {
  MESSAGE_TEXT_MAX,
  PHRASES_MAX,
  type CreatePhraseRequest,
  type PhraseResponse,
  type ReorderPhrasesRequest,
  type ReplacePhrasesRequest,
} from '@avisa/contracts';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsString, MaxLength, MinLength } from 'class-validator';
import { PhraseEntity } from '../phrase.entity';

export class PhraseTextDto implements CreatePhraseRequest {
  /** Plain text, 1 to 2000 characters after trimming; unique in the list regardless of case. */
  @IsString()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(1, { message: 'text must not be empty' })
  @MaxLength(MESSAGE_TEXT_MAX, { message: `text must be at most ${MESSAGE_TEXT_MAX} characters` })
  text!: string;
}

export class ReorderPhrasesDto implements ReorderPhrasesRequest {
  /** Every phrase id, each once, in the new order. */
  @IsArray()
  @ArrayMaxSize(PHRASES_MAX)
  @IsInt({ each: true, message: 'each id must be a whole number' })
  ids!: number[];
}

export class ReplacePhrasesDto implements ReplacePhrasesRequest {
  /** The whole new list, in order; trimmed, with empty entries and repeats (ignoring case) dropped. */
  @IsArray()
  @ArrayMaxSize(PHRASES_MAX, { message: `phrases must hold at most ${PHRASES_MAX} entries` })
  @IsString({ each: true, message: 'each phrase must be a string' })
  phrases!: string[];
}

export function toPhraseResponse(entity: PhraseEntity): PhraseResponse {
  return { id: entity.id, text: entity.text, position: entity.position };
}
