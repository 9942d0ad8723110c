package io.kube4j.storage.memory;

import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageContractTest;

class MemoryStorageTest extends StorageContractTest {
    @Override
    protected Storage newStorage() {
        return new MemoryStorage();
    }
}
