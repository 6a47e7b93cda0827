import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GroupAccessModule } from '../groups/group-access.module';
import { RoomsModule } from '../rooms/rooms.module';
import { OperatorsGateway } from './operators.gateway';

@Module({ imports: [AuthModule, GroupAccessModule, RoomsModule], providers: [OperatorsGateway] })
export class OperatorsGatewayModule {}
