import { makeWorker } from '@cairn/adapter-web/worker'
import { schemaV2 } from './schema.js'

makeWorker({ schema: schemaV2 })
