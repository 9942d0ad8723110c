package io.kube4j.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Makes sure every active namespace has the ServiceAccounts it should (just {@code default}), as upstream's
 * serviceaccount controller: when a namespace appears or becomes active, and when one of those accounts is deleted.
 * Keys are namespace names.
 */
public final class ServiceAccountsController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountsController.class);
    static final List<String> ACCOUNTS = List.of("default");

    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<ServiceAccount> accounts;

    public ServiceAccountsController(ControllerContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "serviceaccount";
    }

    @Override
    protected void register() {
        namespaces = ctx.informer(Namespace.class);
        accounts = ctx.informer(ServiceAccount.class);
        enqueueOn(namespaces, ns -> ns.getMetadata().getName());
        accounts.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ServiceAccount sa) {
            }

            @Override
            public void onUpdate(ServiceAccount oldSa, ServiceAccount sa) {
            }

            @Override
            public void onDelete(ServiceAccount sa, boolean unknownFinalState) {
                if (ACCOUNTS.contains(sa.getMetadata().getName())) {
                    enqueue(sa.getMetadata().getNamespace());
                }
            }
        });
    }

    @Override
    protected void sync(String namespace) {
        Namespace ns = namespaces.getStore().getByKey(namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null
                || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))) {
            return;
        }
        for (String name : ACCOUNTS) {
            if (accounts.getStore().getByKey(namespace + "/" + name) != null) {
                continue;
            }
            try {
                ctx.client().serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
                        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build()).create();
                LOG.info("created serviceaccount {}/{}", namespace, name);
            } catch (KubernetesClientException e) {
                // 409: the cache is behind; 403/404: the namespace is terminating or gone
                if (e.getCode() != 409 && e.getCode() != 403 && e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }
}
