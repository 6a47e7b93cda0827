import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  list(): Promise<UserEntity[]> {
    return this.users.find({ order: { username: 'ASC' } });
  }

  findById(id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
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
