import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { EntityStatements } from '../database/entity-statements';
import { ApiTokenEntity } from './api-token.entity';

@Injectable()
export class ApiTokensRepository {
  /** Every call by a script looks its token up. */
  private readonly fixed: EntityStatements<ApiTokenEntity>;

  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    dataSource: DataSource,
  ) {
    this.fixed = new EntityStatements(dataSource, ApiTokenEntity);
  }

  list(): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ order: { id: 'ASC' } });
  }

  findById(id: number): Promise<ApiTokenEntity | null> {
    return this.tokens.findOneBy({ id });
  }

  findByName(name: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOneBy({ name });
  }

  findByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.fixed.findOneBy('tokenHash', tokenHash);
  }

  create(token: Omit<ApiTokenEntity, 'id'>): Promise<ApiTokenEntity> {
    return this.tokens.save(this.tokens.create(token));
  }

  async update(id: number, changes: Partial<Omit<ApiTokenEntity, 'id'>>): Promise<void> {
    await this.tokens.update({ id }, changes);
  }
}
