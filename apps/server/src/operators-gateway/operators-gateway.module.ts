import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OperatorsGateway } from './operators.gateway';

@Module({ imports: [AuthModule], providers: [OperatorsGateway] })
export class OperatorsGatewayModule {}
