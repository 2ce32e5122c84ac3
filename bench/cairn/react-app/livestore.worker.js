import { makeWorker } from '@cairn/adapter-web/worker'
import { schema } from './schema.js'

makeWorker({ schema })
