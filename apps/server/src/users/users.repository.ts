import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { EntityStatements } from '../database/entity-statements';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersRepository {
  /** Every authenticated request reads its user: one prepared statement, not one per user id. */
  private readonly fixed: EntityStatements<UserEntity>;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    dataSource: DataSource,
  ) {
    this.fixed = new EntityStatements(dataSource, UserEntity);
  }

  list(): Promise<UserEntity[]> {
    return this.users.find({ order: { username: 'ASC' } });
  }

  findById(id: number): Promise<UserEntity | null> {
    return this.fixed.findOneBy('id', id);
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username });
  }

  findBuiltin(): Promise<UserEntity | null> {
    return this.users.findOneBy({ builtin: true });
  }

  create(user: Omit<UserEntity, 'id'>): Promise<UserEntity> {
    return this.users.save(this.users.create(user));
  }

  async update(id: number, changes: Partial<Omit<UserEntity, 'id'>>): Promise<void> {
    await this.users.update({ id }, changes);
  }

  async delete(id: number): Promise<void> {
    await this.users.delete({ id });
  }
}
