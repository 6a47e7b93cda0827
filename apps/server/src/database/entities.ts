import { ApiTokenEntity } from '../auth/api-token.entity';
import { LoginFailureEntity, LoginLockEntity } from '../auth/login-failure.entity';
import { SessionEntity } from '../auth/session.entity';
import { AuditEventEntity, AuditReadMarkerEntity } from '../audit/audit-event.entity';
import { FileEntity } from '../files/file.entity';
import { GroupEntity, GroupMemberEntity, OperatorGroupEntity, OperatorRestrictionEntity } from '../groups/group.entity';
import { DeliveryEntity, MessageEntity } from '../messaging/message.entity';
import { ScheduledMessageEntity } from '../messaging/scheduled-message.entity';
import { PhraseEntity } from '../phrases/phrase.entity';
import { ReceiverRolloutEntity, ReceiverUpdateReportEntity } from '../receiver-packages/receiver-update.entity';
import { ReceiverConnectionEntity, ReceiverEntity } from '../receivers/receiver.entity';
import { RoomEntity, RoomMemberEntity, RoomMessageEntity, RoomTokenEntity } from '../rooms/room.entity';
import { UserEntity } from '../users/user.entity';

export const ENTITIES = [
  UserEntity,
  SessionEntity,
  LoginFailureEntity,
  LoginLockEntity,
  ApiTokenEntity,
  AuditEventEntity,
  AuditReadMarkerEntity,
  ReceiverEntity,
  ReceiverConnectionEntity,
  MessageEntity,
  DeliveryEntity,
  PhraseEntity,
  GroupEntity,
  GroupMemberEntity,
  OperatorRestrictionEntity,
  OperatorGroupEntity,
  ReceiverRolloutEntity,
  ReceiverUpdateReportEntity,
  RoomEntity,
  RoomMemberEntity,
  RoomMessageEntity,
  RoomTokenEntity,
  FileEntity,
  ScheduledMessageEntity,
];
