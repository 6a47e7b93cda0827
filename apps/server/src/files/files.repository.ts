import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FileState } from '@avisa/contracts';
import { In, LessThan, Not, IsNull, Repository } from 'typeorm';
import { FileEntity } from './file.entity';

@Injectable()
export class FilesRepository {
  constructor(@InjectRepository(FileEntity) private readonly files: Repository<FileEntity>) {}

  find(id: string): Promise<FileEntity | null> {
    return this.files.findOneBy({ id });
  }

  /** Every file (admins), or those released or clean plus the caller's own uploads. */
  list(visibleTo: { uploaderId: number | null } | 'all'): Promise<FileEntity[]> {
    const order = { createdAt: 'DESC' as const };
    if (visibleTo === 'all') return this.files.find({ order });
    const where = [{ state: 'clean' as FileState }, { releasedAt: Not(IsNull()) }];
    return this.files.find({
      where: visibleTo.uploaderId === null ? where : [...where, { uploaderId: visibleTo.uploaderId }],
      order,
    });
  }

  async insert(file: FileEntity): Promise<void> {
    await this.files.insert(file);
  }

  async update(id: string, patch: Partial<FileEntity>): Promise<void> {
    await this.files.update({ id }, patch);
  }

  async delete(id: string): Promise<void> {
    await this.files.delete({ id });
  }

  async bytesOf(uploaderId: number): Promise<number> {
    const row = await this.files
      .createQueryBuilder('f')
      .select('COALESCE(SUM(f.size), 0)', 'bytes')
      .where('f.uploader_id = :uploaderId', { uploaderId })
      .getRawOne<{ bytes: string | number }>();
    return Number(row?.bytes ?? 0);
  }

  /** What waits for a scanner: never scanned, the scanner was away, or a scan left unfinished before `stuckBefore`. */
  waitingForScan(stuckBefore: number): Promise<FileEntity[]> {
    return this.files.find({
      where: [
        { state: In(['quarantined', 'scanner_unavailable']), releasedAt: IsNull() },
        { state: 'scanning', createdAt: LessThan(stuckBefore) },
      ],
      order: { createdAt: 'ASC' },
      take: 100,
    });
  }
}
