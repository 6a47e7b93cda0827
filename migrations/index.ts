import { Init1763830000000 } from './1763830000000-Init';
import { Delivery1763840000000 } from './1763840000000-Delivery';
import { GroupsPhrases1763850000000 } from './1763850000000-GroupsPhrases';
import { DeliveryLookup1763860000000 } from './1763860000000-DeliveryLookup';
import { ApiTokenCreator1763880000000 } from './1763880000000-ApiTokenCreator';
import { ReceiverUpdates1763900000000 } from './1763900000000-ReceiverUpdates';
import { QuickReplies1763910000000 } from './1763910000000-QuickReplies';
import { Rooms1763920000000 } from './1763920000000-Rooms';
import { Files1763930000000 } from './1763930000000-Files';
import { AlertAttachments1763940000000 } from './1763940000000-AlertAttachments';
import { RoomAttachments1763950000000 } from './1763950000000-RoomAttachments';
import { ScheduledMessages1763970000000 } from './1763970000000-ScheduledMessages';
import { SiteDetails1763980000000 } from './1763980000000-SiteDetails';
import { FlaggedUnreadIndex1763990000000 } from './1763990000000-FlaggedUnreadIndex';
import { PendingFanouts1764000000000 } from './1764000000000-PendingFanouts';
import { OpenDeliveriesBySite1764010000000 } from './1764010000000-OpenDeliveriesBySite';
import { OpenDeliveriesByState1764020000000 } from './1764020000000-OpenDeliveriesByState';

/** Every migration, oldest first; listed by class so a bundled build finds them too. */
export const MIGRATIONS = [
  Init1763830000000,
  Delivery1763840000000,
  GroupsPhrases1763850000000,
  DeliveryLookup1763860000000,
  ApiTokenCreator1763880000000,
  ReceiverUpdates1763900000000,
  QuickReplies1763910000000,
  Rooms1763920000000,
  Files1763930000000,
  AlertAttachments1763940000000,
  RoomAttachments1763950000000,
  ScheduledMessages1763970000000,
  SiteDetails1763980000000,
  FlaggedUnreadIndex1763990000000,
  PendingFanouts1764000000000,
  OpenDeliveriesBySite1764010000000,
  OpenDeliveriesByState1764020000000,
];
