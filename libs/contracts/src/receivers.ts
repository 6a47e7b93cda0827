export interface ReceiverResponse {
  id: number;
  name: string;
  displayName: string;
  enabled: boolean;
  online: boolean;
  connectedSince: string | null;
  lastSeenAt: string | null;
  clientVersion: string | null;
  address: string | null;
  createdAt: string;
}

/** Returned once, when a receiver is created or its key rotated: the key is never shown again. */
export interface ReceiverWithKeyResponse extends ReceiverResponse {
  key: string;
}

export interface CreateReceiverRequest {
  name: string;
  displayName?: string;
}

export interface UpdateReceiverRequest {
  displayName?: string;
  enabled?: boolean;
}

export interface ReceiverConnectionResponse {
  id: number;
  address: string | null;
  clientVersion: string | null;
  connectedAt: string;
  disconnectedAt: string | null;
  endReason: string | null;
}

/** The answer of `POST /receivers/bulk?dryRun=true`: what the file would create, and every problem by line. */
export interface BulkSitesReport {
  sites: { line: number; name: string; displayName: string }[];
  errors: { line: number; message: string }[];
}
