import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, MoreThan, Repository } from 'typeorm';
import { PhraseEntity } from './phrase.entity';

const INSERT_CHUNK = 200;

@Injectable()
export class PhrasesRepository {
  constructor(
    @InjectRepository(PhraseEntity) private readonly phrases: Repository<PhraseEntity>,
    private readonly dataSource: DataSource,
  ) {}

  list(): Promise<PhraseEntity[]> {
    return this.phrases.find({ order: { position: 'ASC', id: 'ASC' } });
  }

  /** Appends at the end; the position is computed by the insert itself, so two appends never share one. */
  async append(text: string, at: number): Promise<number> {
    const result = await this.phrases
      .createQueryBuilder()
      .insert()
      .into(PhraseEntity)
      .values({
        text,
        position: () => '(SELECT COALESCE(MAX(position), -1) + 1 FROM phrases)',
        createdAt: at,
        updatedAt: at,
      })
      .execute();
    return (result.identifiers[0] as { id: number }).id;
  }

  async updateText(id: number, text: string, at: number): Promise<void> {
    await this.phrases.update({ id }, { text, updatedAt: at });
  }

  /** Deletes one phrase and closes the gap it leaves, in one transaction. */
  async delete(id: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const phrase = await manager.findOneBy(PhraseEntity, { id });
      if (!phrase) return;
      await manager.delete(PhraseEntity, { id });
      await manager.decrement(PhraseEntity, { position: MoreThan(phrase.position) }, 'position', 1);
    });
  }

  /** `ids` is every phrase id in its new order; positions become 0, 1, 2, … */
  async reorder(ids: number[], at: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const [position, id] of ids.entries()) {
        await manager.update(PhraseEntity, { id }, { position, updatedAt: at });
      }
    });
  }

  /** The whole list at once, all or nothing: either the new list is stored or the old one stays. */
  async replace(texts: string[], at: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder().delete().from(PhraseEntity).execute();
      const rows = texts.map((text, position) => ({ text, position, createdAt: at, updatedAt: at }));
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await manager.insert(PhraseEntity, rows.slice(i, i + INSERT_CHUNK));
      }
    });
  }
}
