import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GroupAccessModule } from '../groups/group-access.module';
import { OperatorsGateway } from './operators.gateway';

@Module({ imports: [AuthModule, GroupAccessModule], providers: [OperatorsGateway] })
export class OperatorsGatewayModule {}
